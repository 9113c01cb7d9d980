import type uPlot from 'uplot';

/**
 * Drawing added to uPlot charts through its hooks: shaded value bands behind the data (NEWS2
 * sub-score bands, glucose target range) and vertical event markers (alerts, insulin, meals).
 */
export interface ValueBand {
  readonly from: number;
  readonly to: number;
  readonly colour: string;
}

export function valueBandsPlugin(bands: readonly ValueBand[], scaleKey = 'y'): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (u: uPlot) => {
        const { ctx, bbox } = u;
        ctx.save();
        ctx.beginPath();
        ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
        ctx.clip();
        for (const b of bands) {
          const y1 = u.valToPos(b.to, scaleKey, true);
          const y0 = u.valToPos(b.from, scaleKey, true);
          ctx.fillStyle = b.colour;
          ctx.fillRect(bbox.left, Math.min(y0, y1), bbox.width, Math.abs(y0 - y1));
        }
        ctx.restore();
      },
    },
  };
}

export interface EventMarker {
  /** Seconds since the epoch (the charts' x unit). */
  readonly x: number;
  readonly colour: string;
  readonly label?: string;
  /** Where the label sits: top or bottom edge of the plot. */
  readonly edge?: 'top' | 'bottom';
  readonly dashed?: boolean;
}

export function eventMarkersPlugin(getMarkers: () => readonly EventMarker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        const { ctx, bbox } = u;
        const dpr = uPlotPxRatio();
        ctx.save();
        ctx.font = `${11 * dpr}px system-ui, sans-serif`;
        ctx.textAlign = 'center';
        for (const m of getMarkers()) {
          const x = u.valToPos(m.x, 'x', true);
          if (x < bbox.left || x > bbox.left + bbox.width) continue;
          ctx.strokeStyle = m.colour;
          ctx.lineWidth = 1.5 * dpr;
          ctx.setLineDash(m.dashed ? [4 * dpr, 3 * dpr] : []);
          ctx.beginPath();
          ctx.moveTo(x, bbox.top);
          ctx.lineTo(x, bbox.top + bbox.height);
          ctx.stroke();
          if (m.label) {
            ctx.fillStyle = m.colour;
            const y = m.edge === 'bottom' ? bbox.top + bbox.height - 4 * dpr : bbox.top + 12 * dpr;
            ctx.fillText(m.label, x, y);
          }
        }
        ctx.restore();
      },
    },
  };
}

function uPlotPxRatio(): number {
  return typeof devicePixelRatio === 'number' ? devicePixelRatio : 1;
}

/** Axis values as local clock times, with the date at midnight and for multi-day ranges. */
export function timeAxisValues(_u: uPlot, splits: number[], _axisIdx: number, _space: number, incr: number): string[] {
  return splits.map((s) => {
    const d = new Date(s * 1000);
    if (incr >= 86_400) return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
    const hm = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    return d.getHours() === 0 && d.getMinutes() === 0 ? `${d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })}` : hm;
  });
}
