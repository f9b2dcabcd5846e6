import type { Metadata } from 'next'
import Link from 'next/link'
import { InstanceBadge } from '@/components/site/instance-badge'
import { NavLinks } from '@/components/site/nav-links'
import { demos } from '@/lib/demos'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'Sluice — streaming in Next.js, done properly', template: '%s · Sluice' },
  description: 'Every way a web backend streams data, implemented for real in Next.js.',
}

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <header className="border-b border-zinc-200 bg-white/80 dark:border-zinc-800 dark:bg-zinc-900/80">
          <nav className="mx-auto flex max-w-5xl items-center gap-x-5 gap-y-2 px-4 py-3 text-sm" aria-label="Main">
            <Link href="/" className="shrink-0 font-semibold tracking-tight">
              Sluice
            </Link>
            <NavLinks demos={demos.map(({ href, title }) => ({ href, title }))} />
            <InstanceBadge />
          </nav>
        </header>
        <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
      </body>
    </html>
  )
}
