import type { AnchorHTMLAttributes, ButtonHTMLAttributes } from 'react'

/**
 * The app's buttons: `primary` (sky-700 on white text, the one action of a form), `secondary`
 * (outlined), `danger` (outlined red, for delete). `size="sm"` for buttons inside rows and lists.
 * The colours pass WCAG AA contrast in light and dark (`e2e/a11y.spec.ts`).
 */
export type ButtonVariant = 'primary' | 'secondary' | 'danger'
export type ButtonSize = 'md' | 'sm'

const base = 'inline-flex items-center justify-center rounded font-medium disabled:cursor-not-allowed disabled:opacity-50'
const variants: Record<ButtonVariant, string> = {
  primary: 'bg-sky-700 text-white hover:bg-sky-800',
  secondary: 'border border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800',
  danger: 'border border-red-300 text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950',
}
const sizes: Record<ButtonSize, string> = {
  md: 'px-4 py-1.5 text-sm',
  sm: 'px-2 py-0.5 text-xs',
}

/** The classes of a button, for an element that must be something else (a download link). */
export function buttonClass(variant: ButtonVariant = 'secondary', size: ButtonSize = 'md', extra = ''): string {
  return `${base} ${variants[variant]} ${sizes[size]}${extra ? ` ${extra}` : ''}`
}

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; size?: ButtonSize }

/** A `<button>` (`type="button"` unless told otherwise, so it never submits a form by accident). */
export function Button({ variant = 'secondary', size = 'md', className = '', type = 'button', ...props }: ButtonProps) {
  return <button type={type} className={buttonClass(variant, size, className)} {...props} />
}

type LinkButtonProps = AnchorHTMLAttributes<HTMLAnchorElement> & { variant?: ButtonVariant; size?: ButtonSize }

/** A link that looks like a button (downloads, "open"). */
export function LinkButton({ variant = 'secondary', size = 'md', className = '', ...props }: LinkButtonProps) {
  return <a className={buttonClass(variant, size, className)} {...props} />
}
