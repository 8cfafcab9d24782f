import postgres from 'postgres'
process.on("unhandledRejection", (e, p) => { console.log("UNHANDLED", e.code, p === e, typeof p, p?.constructor?.name, p?.strings?.[0]); });
const sql = postgres('postgres://postgres@127.0.0.1:5432/test', { max: 2, onnotice: () => {} })
const admin = postgres('postgres://postgres@127.0.0.1:5432/test', { max: 1 })
const reserved = await sql.reserve()
const [{ pid }] = await reserved`select pg_backend_pid() as pid`
await admin`select pg_terminate_backend(${pid})`
await new Promise((r) => setTimeout(r, 200))
for (let i = 0; i < 3; i++) {
  try { await reserved`select 1`; console.log('ok?') } catch (e) { console.log('rejected', e.code) }
}
// no release
console.log('after', (await sql`select 1 as one`)[0])
await sql.end(); await admin.end()
