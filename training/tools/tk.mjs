import { Tokenizer } from '@huggingface/tokenizers';
import fs from 'fs';
const tk = new Tokenizer(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')), {});
for (const s of ['Experimental investigation of the aerodynamics of a wing in a slipstream.', 'The café’s naïve résumé — ﬁne!', 'def foo(x): return x**2  # Python']) {
  const e = tk.encode(s, { add_special_tokens: false }); console.log(e.tokens.join(' '), e.ids.length);
}
