/**
 * The recurrent state of one lane: `layers × hidden` float32 (2 KB for 2×256), plus the number of tokens
 * already streamed through it. It is the whole memory of the document so far, which is why it can be
 * checkpointed to bytes and resumed later, even in another process.
 *
 * Wire format (little endian):
 *   0  4 bytes  magic "ELQS"
 *   4  u16      format version (1)
 *   6  u16      layers L
 *   8  u32      hidden H
 *  12  f64      position (tokens consumed)
 *  20  u16      n = byte length of the model version (utf-8)
 *  22  n bytes  model version, then zero padding to a multiple of 4
 *   …  L·H f32  the state, layer-major
 */
const MAGIC = 0x53514c45; // "ELQS" read as little-endian u32
const FORMAT_VERSION = 1;

export class LiquidState {
  constructor(
    readonly layers: number,
    readonly hidden: number,
    readonly modelVersion: string,
    readonly data: Float32Array = new Float32Array(layers * hidden),
    /** Tokens streamed through this state since the zero state. */
    public position = 0,
  ) {
    if (data.length !== layers * hidden) {
      throw new Error(`state has ${data.length} values, expected ${layers}×${hidden}`);
    }
  }

  static zero(layers: number, hidden: number, modelVersion: string): LiquidState {
    return new LiquidState(layers, hidden, modelVersion);
  }

  clone(): LiquidState {
    return new LiquidState(this.layers, this.hidden, this.modelVersion, this.data.slice(), this.position);
  }

  serialize(): Buffer {
    const ver = Buffer.from(this.modelVersion, 'utf8');
    if (ver.length > 0xffff) throw new Error('model version too long');
    const headerLen = Math.ceil((22 + ver.length) / 4) * 4;
    const buf = Buffer.alloc(headerLen + this.data.length * 4);
    buf.writeUInt32LE(MAGIC, 0);
    buf.writeUInt16LE(FORMAT_VERSION, 4);
    buf.writeUInt16LE(this.layers, 6);
    buf.writeUInt32LE(this.hidden, 8);
    buf.writeDoubleLE(this.position, 12);
    buf.writeUInt16LE(ver.length, 20);
    ver.copy(buf, 22);
    for (let i = 0; i < this.data.length; i++) buf.writeFloatLE(this.data[i]!, headerLen + i * 4);
    return buf;
  }

  /**
   * Restores a state; with `expect`, refuses one from another model or shape, since a state is only
   * meaningful for the weights that produced it.
   */
  static deserialize(
    bytes: Uint8Array,
    expect?: { layers?: number; hidden?: number; modelVersion?: string },
  ): LiquidState {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length < 22 || buf.readUInt32LE(0) !== MAGIC) throw new Error('not a serialized liquid state');
    const format = buf.readUInt16LE(4);
    if (format !== FORMAT_VERSION) throw new Error(`unsupported state format ${format}`);
    const layers = buf.readUInt16LE(6);
    const hidden = buf.readUInt32LE(8);
    const position = buf.readDoubleLE(12);
    const verLen = buf.readUInt16LE(20);
    const headerLen = Math.ceil((22 + verLen) / 4) * 4;
    if (buf.length !== headerLen + layers * hidden * 4) throw new Error('serialized state has the wrong length');
    const modelVersion = buf.toString('utf8', 22, 22 + verLen);
    if (expect?.modelVersion !== undefined && expect.modelVersion !== modelVersion) {
      throw new Error(`state is from model ${modelVersion}, expected ${expect.modelVersion}`);
    }
    if ((expect?.layers ?? layers) !== layers || (expect?.hidden ?? hidden) !== hidden) {
      throw new Error(`state is ${layers}×${hidden}, expected ${expect?.layers}×${expect?.hidden}`);
    }
    const data = new Float32Array(layers * hidden);
    for (let i = 0; i < data.length; i++) data[i] = buf.readFloatLE(headerLen + i * 4);
    return new LiquidState(layers, hidden, modelVersion, data, position);
  }
}
