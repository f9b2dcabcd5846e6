/**
 * Ticks for a time axis of `spanMs`: multiples of a round step (1, 2 or 5 × a power of ten, at
 * least 1 ms) giving at most five intervals, from 0 to the span.
 */
export function timeTicks(spanMs: number): number[] {
  const span = Math.max(spanMs, 1)
  const power = Math.max(1, 10 ** Math.floor(Math.log10(span / 5)))
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => span / s <= 5) ?? 10 * power
  const ticks: number[] = []
  for (let i = 0; i * step <= span; i++) ticks.push(i * step)
  return ticks
}
