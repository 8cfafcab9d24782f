// The page limit: a bare Node HTTP server answering every request with the same number of bytes
// as the action page, with as many processes as the web server, sharing the port the same way
// (node:cluster). Run as its own process: `node --import tsx bench/lib/bare-http.ts PORT BYTES N`.
import cluster from 'node:cluster'
import http from 'node:http'

const [port, bytes, processes] = process.argv.slice(2).map(Number)

if (cluster.isPrimary && processes! > 1) {
  for (let i = 0; i < processes!; i++) cluster.fork()
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM')
    setTimeout(() => process.exit(0), 2000).unref()
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
} else {
  const body = Buffer.alloc(bytes!, 'x')
  const server = http.createServer((_request, response) => {
    response.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': body.length,
    })
    response.end(body)
  })
  server.listen(port, '127.0.0.1', () => console.log('bare: listening'))
  process.on('SIGTERM', () => server.close(() => process.exit(0)))
}
