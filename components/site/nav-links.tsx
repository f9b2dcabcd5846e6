'use client'

import Link from 'next/link'
import { usePathname } from 'next/navigation'
import type { Demo } from '@/lib/demos'

/** The demos in the header; the page you are on is marked (`aria-current="page"`) and stands out. */
export function NavLinks({ demos }: { demos: readonly Pick<Demo, 'href' | 'title'>[] }) {
  // Typed `string | null` once a `pages/` directory exists (null only under the Pages Router, which renders no page here).
  const pathname = usePathname() ?? ''
  return (
    <ul className="flex min-w-0 items-center gap-x-4 overflow-x-auto whitespace-nowrap sm:flex-wrap sm:gap-y-2 sm:overflow-visible">
      {demos.map((d) => {
        const current = pathname === d.href || pathname.startsWith(`${d.href}/`)
        return (
          <li key={d.href}>
            <Link
              href={d.href}
              aria-current={current ? 'page' : undefined}
              className={
                current
                  ? 'font-medium text-zinc-950 underline decoration-2 underline-offset-4 dark:text-white'
                  : 'text-zinc-700 hover:text-zinc-950 dark:text-zinc-300 dark:hover:text-white'
              }
            >
              {d.title}
            </Link>
          </li>
        )
      })}
    </ul>
  )
}
