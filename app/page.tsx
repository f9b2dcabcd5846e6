import Link from 'next/link'
import { demos } from '@/lib/demos'

export default function Home() {
  return (
    <div className="space-y-8">
      <section className="space-y-2">
        <h1 className="text-3xl font-semibold tracking-tight">Sluice</h1>
        <p className="max-w-2xl text-zinc-600 dark:text-zinc-400">
          Every way a web backend streams data, implemented for real in Next.js: backpressure, cancellation, reconnection and clean-up
          included. Each demo shows what its stream is doing and how to reproduce it with <code>curl</code>.
        </p>
      </section>
      <ul className="grid gap-3 sm:grid-cols-2" data-testid="demo-list">
        {demos.map((d) => (
          <li key={d.href}>
            <Link
              href={d.href}
              className="block h-full rounded-lg border border-zinc-200 bg-white p-4 hover:border-zinc-400 dark:border-zinc-800 dark:bg-zinc-900"
            >
              <span className="block font-medium">{d.title}</span>
              <span className="block text-xs text-zinc-600 dark:text-zinc-400">{d.topic}</span>
              <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{d.summary}</p>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  )
}
