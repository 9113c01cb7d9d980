import { describe, expect, it } from 'vitest';
import { UniformNotAKnotSpline } from './not-a-knot-spline.ts';

describe('UniformNotAKnotSpline', () => {
  it('reproduces any cubic polynomial exactly (not-a-knot splines are exact on cubics)', () => {
    const f = (x: number) => 0.002 * x ** 3 - 0.1 * x ** 2 + 3 * x - 7;
    const s = new UniformNotAKnotSpline(11, 15);
    s.fit(Float64Array.from({ length: 11 }, (_, i) => f(15 * i)));
    for (const x of [0, 1, 3, 7.5, 22, 100, 148, 149, 150]) expect(s.evaluate(x)).toBeCloseTo(f(x), 9);
  });

  it("matches SciPy interp1d(kind='cubic') on an irregular data set", () => {
    // Reference values computed with SciPy 1.17 interp1d(arange(11)*15, y, kind='cubic').
    const y = Float64Array.of(3, -1, 4, 1, -5, 9, 2, 6, -5, 3, 5);
    const s = new UniformNotAKnotSpline(11, 15);
    s.fit(y);
    const scipy: [number, number][] = [
      [1, 2.0546027109583815],
      [3, 0.5254035346097203],
      [7.5, -1.3679641476435929],
      [22, 1.423274532264223],
      [100, 5.307723776795941],
      [148, 6.758960672012219],
      [149, 5.989676785032454],
    ];
    for (const [x, v] of scipy) expect(Math.abs(s.evaluate(x) - v)).toBeLessThan(1e-12);
    for (let i = 0; i < 11; i++) expect(s.evaluate(15 * i)).toBeCloseTo(y[i]!, 12);
  });

  it('rejects grids too small for not-a-knot conditions', () => {
    expect(() => new UniformNotAKnotSpline(3, 1)).toThrow(RangeError);
  });
});
