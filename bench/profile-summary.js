#!/usr/bin/env node
// Summarises the V8 CPU profiles a `BENCH_PROFILE=<dir> npm run bench` run wrote: for each thread,
// its busy and idle time and where the busy time went, by package (or our own library) and by
// function, self time. `--window=<from>,<to>` keeps the samples between those seconds from each
// profile's start (a phase of a service that ran several, e.g. the publisher's catch-up).
//   node bench/profile-summary.js <dir> [top] [--window=<from>,<to>]
'use strict';
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const windowArg = process.argv.find((arg) => arg.startsWith('--window='));
const [root, topArg] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const top = Number(topArg ?? 25);
const [from, to] = windowArg
  ? windowArg.slice('--window='.length).split(',').map(Number)
  : [0, Infinity];
if (!root || !(from <= to)) {
  console.error('usage: node bench/profile-summary.js <profile dir> [top] [--window=<from>,<to>]');
  process.exit(2);
}

const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.cpuprofile') ? [path] : [];
  });

/** Where a function lives: an npm package, one of our apps or libraries, node itself, or V8. */
const area = (url) => {
  if (!url) return '(v8/native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ours = /\/(apps|libs)\/([^/]+)\//.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  if (url.startsWith('node:')) return 'node';
  return url.replace(/^file:\/\//, '');
};

const ms = (us) => (us / 1000).toFixed(0).padStart(7);

for (const file of files(root)) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  // A sample's time is the delta to the next one; its instant, the sum of the deltas up to it.
  const deltas = profile.timeDeltas;
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += deltas[i] ?? 0;
    if (at / 1e6 < from || at / 1e6 > to) continue;
    const us = deltas[i + 1] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + us);
  }
  let total = 0;
  let idle = 0;
  const byArea = new Map();
  const byFunction = new Map();
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    total += us;
    if (callFrame.functionName === '(idle)') idle += us;
    const where = callFrame.functionName.startsWith('(')
      ? callFrame.functionName
      : area(callFrame.url);
    byArea.set(where, (byArea.get(where) ?? 0) + us);
    const name = `${callFrame.functionName || '(anonymous)'} ${
      callFrame.url
        ? `${relative(process.cwd(), callFrame.url.replace(/^file:\/\//, ''))}:${callFrame.lineNumber + 1}`
        : ''
    }`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const busy = total - idle;
  console.log(
    `\n== ${relative(root, file)}: ${ms(total)} ms sampled, ${ms(busy)} ms busy, ${ms(idle)} ms idle`,
  );
  const sorted = (map) =>
    [...map].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]);
  console.log('  by area (self time, % of busy):');
  for (const [name, us] of sorted(byArea).slice(0, 15))
    console.log(`  ${ms(us)} ms ${((us / busy) * 100).toFixed(1).padStart(5)} %  ${name}`);
  console.log(`  top ${top} functions (self time):`);
  for (const [name, us] of sorted(byFunction).slice(0, top))
    console.log(`  ${ms(us)} ms ${((us / busy) * 100).toFixed(1).padStart(5)} %  ${name}`);
}
