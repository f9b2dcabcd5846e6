'use client'

import { useId, useRef, useState, type ReactNode } from 'react'
import { Button } from '@/components/ui/button'

interface FileDropProps {
  /** What the files are for: the input's label, read by screen readers (e.g. "Files to upload"). */
  label: string
  /** Several files at once (the upload page) or one (the pipeline). */
  multiple?: boolean
  /** The file input's `accept`. */
  accept?: string
  onFiles: (files: File[]) => void
  /** A line under the button (what was picked, a limit). */
  hint?: ReactNode
  disabled?: boolean
  testId?: string
  inputTestId?: string
}

/**
 * The one file picker: a drop zone with a "pick" button. The native input stays in the page
 * (labelled, for screen readers and for tests' `setInputFiles`) but hidden; the button opens it
 * from the keyboard, and files dropped on the zone go the same way.
 */
export function FileDrop({ label, multiple = false, accept, onFiles, hint, disabled, testId, inputTestId }: FileDropProps) {
  const [dragging, setDragging] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  const hintId = useId()
  const noun = multiple ? 'files' : 'a file'

  return (
    <div
      className={`flex flex-col items-center justify-center gap-2 rounded-lg border-2 border-dashed p-6 text-center text-sm ${
        dragging ? 'border-sky-500 bg-sky-50 dark:bg-sky-950/40' : 'border-zinc-300 dark:border-zinc-700'
      }`}
      data-testid={testId}
      onDragOver={(e) => {
        e.preventDefault()
        if (!disabled) setDragging(true)
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault()
        setDragging(false)
        if (disabled) return
        const files = Array.from(e.dataTransfer.files)
        if (files.length > 0) onFiles(multiple ? files : files.slice(0, 1))
      }}
    >
      <p>Drop {noun} here, or</p>
      <Button onClick={() => input.current?.click()} disabled={disabled} aria-describedby={hint ? hintId : undefined}>
        Pick {noun}
      </Button>
      {hint && (
        <p id={hintId} className="text-xs text-zinc-600 dark:text-zinc-400">
          {hint}
        </p>
      )}
      <input
        ref={input}
        type="file"
        multiple={multiple}
        accept={accept}
        disabled={disabled}
        className="sr-only"
        aria-label={label}
        tabIndex={-1}
        data-testid={inputTestId}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? [])
          if (files.length > 0) onFiles(files)
          e.target.value = '' // picking the same file again (to resume, to send it again) must fire onChange again
        }}
      />
    </div>
  )
}
