import type { Metadata } from 'next'
import Link from 'next/link'
import { demos } from '@/lib/demos'

export const metadata: Metadata = { title: 'Not found' }

/** Every unknown page (and a chat or stream nobody has): says so in words and offers the demos. */
export default function NotFound() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Nothing here</h1>
      <p className="text-zinc-700 dark:text-zinc-300">
        This page does not exist — or it is a chat or stream that was deleted, or whose link is mistyped.
      </p>
      <p className="text-sm text-zinc-700 dark:text-zinc-300">Try one of the demos:</p>
      <ul className="grid gap-2 sm:grid-cols-2">
        {demos.map((d) => (
          <li key={d.href}>
            <Link href={d.href} className="text-sky-800 underline underline-offset-2 dark:text-sky-300">
              {d.title}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  )
}
