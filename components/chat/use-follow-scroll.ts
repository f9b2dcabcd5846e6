'use client'

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'

/** How close to the bottom (px) still counts as "reading the latest". */
const SLACK = 96

function bottomGap(): number {
  return document.documentElement.scrollHeight - (window.scrollY + window.innerHeight)
}

/**
 * The page follows a growing answer while the reader is at the bottom, and stops as soon as they
 * scroll up to read (then `atBottom` is false and the page offers "Jump to latest"). Follows the
 * window's own scroll, so a phone scrolls one thing, not a box inside the page.
 */
export function useFollowScroll(content: unknown) {
  const [atBottom, setAtBottom] = useState(true)
  const following = useRef(true)

  useEffect(() => {
    let lastY = window.scrollY
    const onScroll = () => {
      const gap = bottomGap()
      // Scrolling up is the reader's choice: stop following. Reaching the bottom again resumes it.
      if (window.scrollY < lastY && gap > SLACK) following.current = false
      else if (gap <= SLACK) following.current = true
      lastY = window.scrollY
      setAtBottom(gap <= SLACK)
    }
    window.addEventListener('scroll', onScroll, { passive: true })
    window.addEventListener('resize', onScroll)
    return () => {
      window.removeEventListener('scroll', onScroll)
      window.removeEventListener('resize', onScroll)
    }
  }, [])

  // After each render with new content: keep the latest in view if the reader has not scrolled away.
  useLayoutEffect(() => {
    if (following.current && bottomGap() > 0) window.scrollTo({ top: document.documentElement.scrollHeight })
    setAtBottom(!following.current ? bottomGap() <= SLACK : true)
  }, [content])

  const jump = useCallback(() => {
    following.current = true
    window.scrollTo({ top: document.documentElement.scrollHeight, behavior: 'smooth' })
    setAtBottom(true)
  }, [])

  return { atBottom, jump }
}
