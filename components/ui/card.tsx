import type { HTMLAttributes } from 'react'

/** The panel every demo puts its parts in: a white (dark: zinc-900) box with a border. */
export const cardClass = 'rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900'

/** A `<section>` panel; `as="div"` when it is not a section of the page. */
export function Card({
  as: As = 'section',
  className = '',
  ...props
}: HTMLAttributes<HTMLElement> & { as?: 'section' | 'div' | 'figure' }) {
  return <As className={`${cardClass}${className ? ` ${className}` : ''}`} {...props} />
}
