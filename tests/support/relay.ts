import net from 'node:net'

/**
 * A TCP relay to PostgreSQL that can stop listening (connections refused) and start again.
 * `interceptClientBytes` sees each chunk a client sends first; returning true keeps it from the
 * server (to play a server that fails in some way).
 */
export async function startRelay(
  target: URL,
  {
    interceptClientBytes,
  }: {
    interceptClientBytes?: (bytes: Buffer, client: net.Socket, upstream: net.Socket) => boolean
  } = {},
) {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => {})
      socket.on('close', () => {
        sockets.delete(socket)
        client.destroy()
        upstream.destroy()
      })
    }
    if (interceptClientBytes) {
      client.on('data', (bytes: Buffer) => {
        if (!interceptClientBytes(bytes, client, upstream)) upstream.write(bytes)
      })
    } else client.pipe(upstream)
    upstream.pipe(client)
  })
  const listen = (port = 0) =>
    new Promise<number>((resolve) =>
      server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
    )
  const port = await listen()
  return {
    url: Object.assign(new URL(target.href), { host: `127.0.0.1:${port}` }).href,
    async stop() {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
    start: () => listen(port),
  }
}
