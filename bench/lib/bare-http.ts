// The page limit: a bare Node HTTP server answering every request with the action page's bytes
// (read from a file), with as many processes as the web server, sharing the port the same way
// (node:cluster). Run as its own process: `node --import tsx bench/lib/bare-http.ts PORT FILE N`.
import cluster from 'node:cluster'
import fs from 'node:fs'
import http from 'node:http'

const [portArg, bodyFile, processesArg] = process.argv.slice(2)
const port = Number(portArg)
const processes = Number(processesArg)

if (cluster.isPrimary && processes > 1) {
  for (let i = 0; i < processes; i++) cluster.fork()
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM')
    setTimeout(() => process.exit(0), 2000).unref()
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
} else {
  const body = fs.readFileSync(bodyFile!)
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
