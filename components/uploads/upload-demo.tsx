'use client'

import { useState } from 'react'
import { FileDrop } from '@/components/ui/file-drop'
import { formatBytes } from '@/components/ui/format'
import { StoredUploads } from '@/components/uploads/stored-uploads'
import { UploadItemRow } from '@/components/uploads/upload-item'
import { useStoredUploads } from '@/components/uploads/use-stored-uploads'
import { useUploads } from '@/components/uploads/use-uploads'

/** `?rate=` when slow motion is on: the server reads 256 KB a second, so progress, cancel and resume can be watched. */
const SLOW_MOTION_BYTES_PER_SECOND = 256 * 1024

/** Drop or pick files; each uploads with a progress bar fed by the server, and can be cancelled or resumed. */
export function UploadDemo() {
  const stored = useStoredUploads()
  const [slow, setSlow] = useState(false)
  const { items, add, cancel, dismiss } = useUploads({
    onComplete: () => void stored.refresh(),
    rate: slow ? SLOW_MOTION_BYTES_PER_SECOND : undefined,
  })

  return (
    <div className="space-y-6">
      <FileDrop
        label="Files to upload"
        multiple
        onFiles={add}
        testId="upload-dropzone"
        inputTestId="upload-input"
        hint={slow ? `Slow motion: the server reads each file at ${formatBytes(SLOW_MOTION_BYTES_PER_SECOND)}/s.` : undefined}
      />
      <label className="flex items-center gap-1 text-sm">
        <input type="checkbox" checked={slow} onChange={(e) => setSlow(e.target.checked)} data-testid="upload-slow" /> slow motion (the
        server reads {formatBytes(SLOW_MOTION_BYTES_PER_SECOND)}/s, for the uploads started after this is ticked)
      </label>
      {items.length > 0 && (
        <ul className="space-y-2" data-testid="upload-items">
          {items.map((item) => (
            <UploadItemRow key={item.key} item={item} onCancel={() => cancel(item.key)} onDismiss={() => dismiss(item.key)} />
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
