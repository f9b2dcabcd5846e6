import { z } from 'zod'

export const importJobParams = z.object({ id: z.uuid('the job id is the streamId of the import') })
