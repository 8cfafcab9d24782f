// Stories and updates are written in Markdown by staff and shown on public pages: what survives
// rendering is formatting and ordinary links, never anything that runs in a visitor's browser.
import { describe, expect, test } from 'vitest'
import { renderMarkdown } from '#app/utils/markdown.server.ts'
import { HOSTILE_MARKDOWN } from '#tests/support/hostile-markdown.ts'

describe('renderMarkdown', () => {
  test('keeps the formatting and ordinary links, opened without passing on the page', () => {
    const html = renderMarkdown(
      '# A heading\n\nShe was arrested on **3 May**, _without_ a warrant.\n\n- one\n- two\n\n[Read the report](https://example.org/report)',
    )
    // Headings sit below the page's own h1 and h2.
    expect(html).toContain('<h3>A heading</h3>')
    expect(html).toContain('<strong>3 May</strong>')
    expect(html).toContain('<em>without</em>')
    expect(html).toContain('<li>one</li>')
    expect(html).toContain(
      '<a href="https://example.org/report" rel="noopener noreferrer nofollow">Read the report</a>',
    )
  })

  test('strips scripts, event handlers, frames, forms and javascript: or data: links', () => {
    const html = renderMarkdown(HOSTILE_MARKDOWN)
    expect(html).toContain('<strong>3 May</strong>')
    expect(html).toContain(
      '<a href="https://example.org/case" rel="noopener noreferrer nofollow">the case</a>',
    )
    // The link texts stay, without anywhere dangerous to go.
    expect(html).toContain('<a rel="noopener noreferrer nofollow">Read more</a>')
    expect(html).toContain('<a rel="noopener noreferrer nofollow">as data</a>')
    for (const banned of [
      '<script',
      'alert(',
      '<img',
      '<iframe',
      '<svg',
      '<form',
      '<button',
      'onerror',
      'onclick',
      'onload',
      'style=',
      'javascript:',
      'data:',
    ]) {
      expect(html.toLowerCase(), banned).not.toContain(banned)
    }
  })
})
