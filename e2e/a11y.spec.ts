import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { demos } from '../lib/demos'

/**
 * Every page, in light and dark, on a desktop and on a phone: zero axe-core violations of WCAG
 * 2.1 A/AA, and nothing wider than the screen (no sideways scrolling at 390 px).
 */
const pages = ['/', ...demos.map((d) => d.href), '/no-such-page', '/chat/no-such-chat']
const screens = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const
const schemes = ['light', 'dark'] as const

async function settle(page: Page) {
  // Client components render after hydration (lists, the instance badge): check what people see.
  // Not 'networkidle': the feed and the live lists keep a stream open.
  await page.waitForTimeout(700)
}

async function violationsOf(page: Page, path: string, label: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return violations.map(
    (v) =>
      `${path} (${label}) — ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join('\n    ')}`,
  )
}

/** What is wider than the screen, if anything (elements inside `[data-allow-overflow]` scroll on purpose). */
async function sidewaysOf(page: Page, path: string): Promise<string[]> {
  const { scrollWidth, clientWidth, culprits } = await page.evaluate(() => {
    const root = document.documentElement
    const over = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
      .filter((el) => !el.closest('[data-allow-overflow]'))
      .slice(0, 3)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].slice(0, 3).join('.')}`)
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, culprits: over }
  })
  return scrollWidth > clientWidth ? [`${path}: ${scrollWidth} px of content on ${clientWidth} px (${culprits.join(', ')})`] : []
}

// One load per page and screen: both colour schemes are checked on it (the styles follow
// prefers-color-scheme, which emulateMedia switches in place), and on the phone, the width too.
for (const screen of screens) {
  const title =
    screen.name === 'phone'
      ? 'no accessibility violations on any page, light and dark, and no page scrolls sideways (phone, 390 px)'
      : `no accessibility violations on any page, light and dark (${screen.name})`
  test(title, async ({ page }) => {
    test.setTimeout(360_000)
    await page.setViewportSize({ width: screen.width, height: screen.height })
    const found: string[] = []
    const wide: string[] = []
    for (const path of pages) {
      await page.emulateMedia({ colorScheme: schemes[0] })
      await page.goto(path)
      await settle(page)
      for (const scheme of schemes) {
        await page.emulateMedia({ colorScheme: scheme })
        expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(scheme === 'dark')
        found.push(...(await violationsOf(page, path, scheme)))
      }
      if (screen.name === 'phone') wide.push(...(await sidewaysOf(page, path)))
    }
    expect(found, found.join('\n')).toEqual([])
    expect(wide, wide.join('\n')).toEqual([])
  })
}

test('the "How it works" panels, opened, show the code and stay accessible and phone-wide (light and dark)', async ({ page }) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 390, height: 844 })
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme })
    await page.goto('/pipeline')
    const files = page.getByTestId('code-file')
    await expect(files).toHaveCount(demos.find((d) => d.href === '/pipeline')!.code.length)
    for (const summary of await files.locator('summary').all()) await summary.click()
    await expect(files.first().locator('pre.shiki')).toContainText("route('POST /api/pipeline'")
    const { violations } = await new AxeBuilder({ page })
      .include('[data-testid="code-file"]')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze()
    expect(
      violations.map(
        (v) =>
          `${v.id}: ${v.help} — ${v.nodes
            .slice(0, 2)
            .map((n) => n.target.join(' '))
            .join(', ')}`,
      ),
    ).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true)
  }
})
