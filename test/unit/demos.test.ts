import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { demos } from '@/lib/demos'

const root = path.resolve(import.meta.dirname, '../..')

describe('the demos list (lib/demos.ts)', () => {
  it('points each "How it works" panel at files that exist, and at its docs page', () => {
    for (const demo of demos) {
      expect(demo.code.length, demo.href).toBeGreaterThanOrEqual(3)
      for (const file of demo.code) expect(existsSync(path.join(root, file.path)), `${demo.href}: ${file.path}`).toBe(true)
      expect(existsSync(path.join(root, demo.doc)), `${demo.href}: ${demo.doc}`).toBe(true)
    }
  })

  it('every demo page shows its own panel', () => {
    for (const demo of demos) {
      const page = demo.href === '/chat' ? 'components/chat/chat-page.tsx' : `app${demo.href}/page.tsx`
      expect(readFileSync(path.join(root, page), 'utf8'), page).toContain(`<HowItWorks href="${demo.href}" />`)
    }
  })
})
