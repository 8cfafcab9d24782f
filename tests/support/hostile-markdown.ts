/**
 * Markdown with every way we know of to get a script onto a page: the Markdown unit test and the
 * public page's HTTP test both use it.
 */
export const HOSTILE_MARKDOWN = [
  'She was arrested on **3 May**.',
  "<script>alert('script')</script>",
  `<img src=x onerror="alert('img')">`,
  "[Read more](javascript:alert('link')) and [again](JaVaScRiPt&#58;alert('entity'))",
  `<a href="https://example.org/case" onclick="alert('click')" style="color:red">the case</a>`,
  `<iframe src="https://evil.example/"></iframe><svg onload="alert('svg')"></svg>`,
  '[as data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  `<form action="https://evil.example/"><button formaction="javascript:alert('form')">Go</button></form>`,
].join('\n\n')
