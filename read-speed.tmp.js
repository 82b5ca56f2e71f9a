const Database = require('libsql');
const db = new Database(process.argv[2], { readonly: true });
if (process.argv[3]) db.pragma(process.argv[3]);
const st = db.prepare(`SELECT position, stream_id, revision, event_id, type, data, metadata, created FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`).raw();
const t = process.hrtime.bigint(); const c0 = process.cpuUsage();
let after = 0, n = 0, bytes = 0;
for (;;) { const rows = st.all(after, 5000); if (!rows.length) break; n += rows.length; after = rows[rows.length-1][0]; for (const r of rows) { bytes += r[5].length; } }
const c = process.cpuUsage(c0);
console.log(process.argv[3]||'default', n, 'rows', Number(process.hrtime.bigint()-t)/1e9, 's wall; user', c.user/1e6, 'sys', c.system/1e6);
