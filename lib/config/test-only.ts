import { z } from 'zod'
import { doc } from './atoms.ts'

/** Settings only the tests set; documented apart, never in `.env.example`. */
export const testOnlyVariables = {
  SLUICE_UPLOAD_THROTTLE_BPS: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(0)
    .meta(
      doc({
        group: 'Test-only',
        description:
          'Caps how fast uploads are written to disk (bytes/s, 0 = no cap), so that a browser test on localhost can watch a 50 MB upload in progress (`playwright.config.ts` sets 20 MB/s). Never set it in production.',
        doc: 'docs/uploads.md',
      }),
    ),
  SLUICE_CHAT_TIMING: z
    .enum(['0', '1'], { message: 'must be 1 or 0' })
    .default('0')
    .meta(
      doc({
        group: 'Test-only',
        description:
          '`1`: each `POST /api/chat` prints one `[sluice] chat-timing` line with the moments (epoch ms) it passed each stage on the way to its first token, for `npm run bench:chat`’s breakdown. Off, it costs one comparison per request.',
        doc: 'docs/chat.md',
      }),
    ),
}
