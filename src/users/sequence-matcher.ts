/** A run of equal elements: a[a..a+size) equals b[b..b+size). */
export interface MatchingBlock {
  readonly a: number;
  readonly b: number;
  readonly size: number;
}

/**
 * Python's difflib.SequenceMatcher over the code points of two strings, without `isjunk` (Django
 * never passes one), ported line for line with its autojunk heuristic: Django's
 * UserAttributeSimilarityValidator measures with it, and only the same arithmetic refuses the
 * same passwords.
 */
export class SequenceMatcher {
  private readonly a: readonly string[];
  private readonly b: readonly string[];
  /** For each element of b, where it occurs, in order; "popular" elements are left out. */
  private readonly b2j = new Map<string, number[]>();
  private fullBCount: Map<string, number> | undefined;
  private blocks: MatchingBlock[] | undefined;

  constructor(a: string, b: string, autojunk = true) {
    this.a = Array.from(a);
    this.b = Array.from(b);
    this.b.forEach((element, j) => {
      const indices = this.b2j.get(element);
      if (indices) indices.push(j);
      else this.b2j.set(element, [j]);
    });
    const n = this.b.length;
    if (autojunk && n >= 200) {
      const ntest = Math.floor(n / 100) + 1;
      for (const [element, indices] of [...this.b2j]) if (indices.length > ntest) this.b2j.delete(element);
    }
  }

  /** The longest matching block in a[alo..ahi) and b[blo..bhi), earliest in a, then in b. */
  findLongestMatch(alo = 0, ahi = this.a.length, blo = 0, bhi = this.b.length): MatchingBlock {
    const { a, b, b2j } = this;
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const newj2len = new Map<number, number>();
      for (const j of b2j.get(a[i]) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        newj2len.set(j, k);
        if (k > bestsize) {
          besti = i - k + 1;
          bestj = j - k + 1;
          bestsize = k;
        }
      }
      j2len = newj2len;
    }
    // Popular elements are not in b2j: extend the match over them on each side.
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
    return { a: besti, b: bestj, size: bestsize };
  }

  /** Non-overlapping matching blocks in order, adjacent ones joined, ending with {len(a), len(b), 0}. */
  getMatchingBlocks(): MatchingBlock[] {
    if (this.blocks) return this.blocks;
    const la = this.a.length;
    const lb = this.b.length;
    const queue: [number, number, number, number][] = [[0, la, 0, lb]];
    const found: MatchingBlock[] = [];
    while (queue.length > 0) {
      const [alo, ahi, blo, bhi] = queue.pop()!;
      const match = this.findLongestMatch(alo, ahi, blo, bhi);
      const { a: i, b: j, size: k } = match;
      if (k === 0) continue;
      found.push(match);
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
    found.sort((x, y) => x.a - y.a || x.b - y.b || x.size - y.size);
    const blocks: MatchingBlock[] = [];
    let [i1, j1, k1] = [0, 0, 0];
    for (const { a: i2, b: j2, size: k2 } of found) {
      if (i1 + k1 === i2 && j1 + k1 === j2) {
        k1 += k2;
      } else {
        if (k1) blocks.push({ a: i1, b: j1, size: k1 });
        [i1, j1, k1] = [i2, j2, k2];
      }
    }
    if (k1) blocks.push({ a: i1, b: j1, size: k1 });
    blocks.push({ a: la, b: lb, size: 0 });
    return (this.blocks = blocks);
  }

  /** 2 * matches / (len(a) + len(b)), the matches being those of getMatchingBlocks(). */
  ratio(): number {
    const matches = this.getMatchingBlocks().reduce((sum, block) => sum + block.size, 0);
    return calculateRatio(matches, this.a.length + this.b.length);
  }

  /** An upper bound on ratio(): the elements a and b share as multisets, order ignored. */
  quickRatio(): number {
    if (!this.fullBCount) {
      this.fullBCount = new Map();
      for (const element of this.b) this.fullBCount.set(element, (this.fullBCount.get(element) ?? 0) + 1);
    }
    const avail = new Map<string, number>();
    let matches = 0;
    for (const element of this.a) {
      const numb = avail.has(element) ? avail.get(element)! : (this.fullBCount.get(element) ?? 0);
      avail.set(element, numb - 1);
      if (numb > 0) matches++;
    }
    return calculateRatio(matches, this.a.length + this.b.length);
  }
}

function calculateRatio(matches: number, length: number): number {
  return length ? (2.0 * matches) / length : 1.0;
}
