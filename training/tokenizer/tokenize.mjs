// Tokenize JSONL through @huggingface/tokenizers, the same implementation libs/model serves with.
// usage: node training/tokenizer/tokenize.mjs TOKENIZER.json IN.jsonl OUT.jsonl
// Each input line is {"s": [text, ...]}; each output line is {"t": [[id, ...], ...]}, one id list per text,
// every text encoded alone without special tokens (as libs/model encodes each sentence).
import { Tokenizer } from '@huggingface/tokenizers';
import fs from 'node:fs';
import readline from 'node:readline';

const [tokPath, inPath, outPath] = process.argv.slice(2);
const tk = new Tokenizer(JSON.parse(fs.readFileSync(tokPath, 'utf8')), {});
const out = fs.createWriteStream(outPath);
const rl = readline.createInterface({ input: fs.createReadStream(inPath), crlfDelay: Infinity });
let lines = 0;
let tokens = 0;
for await (const line of rl) {
  if (!line) continue;
  const { s } = JSON.parse(line);
  const t = s.map((x) => tk.encode(x, { add_special_tokens: false }).ids);
  for (const ids of t) tokens += ids.length;
  if (!out.write(JSON.stringify({ t }) + '\n')) await new Promise((r) => out.once('drain', r));
  if (++lines % 20000 === 0) process.stderr.write(`tokenize: ${lines} lines, ${tokens} tokens\n`);
}
out.end();
await new Promise((r) => out.on('finish', r));
process.stderr.write(`tokenize: done ${lines} lines, ${tokens} tokens\n`);
