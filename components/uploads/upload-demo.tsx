'use client'

import { useRef, useState } from 'react'
import { Button } from '@/components/ui/button'
import { StoredUploads } from '@/components/uploads/stored-uploads'
import { UploadItemRow } from '@/components/uploads/upload-item'
import { useStoredUploads } from '@/components/uploads/use-stored-uploads'
import { useUploads } from '@/components/uploads/use-uploads'

/** Drop or pick files; each uploads with a progress bar fed by the server, and can be cancelled or resumed. */
export function UploadDemo() {
  const stored = useStoredUploads()
  const { items, add, cancel } = useUploads({ onComplete: () => void stored.refresh() })
  const [dragging, setDragging] = useState(false)
  const input = useRef<HTMLInputElement>(null)

  return (
    <div className="space-y-6">
      <div
        className={`flex flex-col items-center justify-center gap-2 rounded-lg border-2 border-dashed p-8 text-sm ${
          dragging ? 'border-sky-500 bg-sky-50 dark:bg-sky-950/40' : 'border-zinc-300 dark:border-zinc-700'
        }`}
        data-testid="upload-dropzone"
        onDragOver={(e) => {
          e.preventDefault()
          setDragging(true)
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault()
          setDragging(false)
          add(Array.from(e.dataTransfer.files))
        }}
      >
        <p>Drop files here, or</p>
        <Button onClick={() => input.current?.click()}>pick files</Button>
        <input
          ref={input}
          type="file"
          multiple
          className="sr-only"
          aria-label="Files to upload"
          tabIndex={-1}
          data-testid="upload-input"
          onChange={(e) => {
            add(Array.from(e.target.files ?? []))
            e.target.value = '' // picking the same file again (to resume) must fire onChange again
          }}
        />
      </div>
      {items.length > 0 && (
        <ul className="space-y-2" data-testid="upload-items">
          {items.map((item) => (
            <UploadItemRow key={item.key} item={item} onCancel={() => cancel(item.key)} />
          ))}
        </ul>
      )}
      <StoredUploads
        uploads={stored.uploads}
        error={stored.error}
        onDelete={(name) => void stored.remove(name)}
        onRetry={() => void stored.refresh()}
      />
    </div>
  )
}
