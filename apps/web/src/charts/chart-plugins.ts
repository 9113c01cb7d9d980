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
  /** Where the tick and label sit: top or bottom edge of the plot. */
  readonly edge?: 'top' | 'bottom';
  /** A full-height line (alerts) or a short tick at the edge (treatments, which can be many a day). */
  readonly style?: 'line' | 'tick';
  readonly dashed?: boolean;
}

/** Draws markers; labels that would overlap the previous one on the same edge are left out. */
export function eventMarkersPlugin(getMarkers: () => readonly EventMarker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        const { ctx, bbox } = u;
        const dpr = uPlotPxRatio();
        const lastLabelEnd = { top: Number.NEGATIVE_INFINITY, bottom: Number.NEGATIVE_INFINITY };
        ctx.save();
        ctx.font = `${11 * dpr}px system-ui, sans-serif`;
        ctx.textAlign = 'center';
        for (const m of getMarkers()) {
          const x = u.valToPos(m.x, 'x', true);
          if (x < bbox.left || x > bbox.left + bbox.width) continue;
          const edge = m.edge ?? 'top';
          const bottom = bbox.top + bbox.height;
          ctx.strokeStyle = m.colour;
          ctx.fillStyle = m.colour;
          ctx.lineWidth = 1.5 * dpr;
          ctx.setLineDash(m.dashed ? [4 * dpr, 3 * dpr] : []);
          ctx.beginPath();
          if ((m.style ?? 'line') === 'line') {
            ctx.moveTo(x, bbox.top);
            ctx.lineTo(x, bottom);
          } else if (edge === 'top') {
            ctx.moveTo(x, bbox.top);
            ctx.lineTo(x, bbox.top + 10 * dpr);
          } else {
            ctx.moveTo(x, bottom);
            ctx.lineTo(x, bottom - 10 * dpr);
          }
          ctx.stroke();
          if (m.label) {
            const width = ctx.measureText(m.label).width;
            if (x - width / 2 < lastLabelEnd[edge] + 4 * dpr) continue;
            lastLabelEnd[edge] = x + width / 2;
            const y = edge === 'bottom' ? bottom - 13 * dpr : bbox.top + 21 * dpr;
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

/**
 * Time-axis labels in local time: hours and minutes for ranges within a day, day and month past
 * that, and the date under midnight so a reader knows which day a time belongs to.
 */
export function timeAxisValues(_u: uPlot, splits: number[], _axisIdx: number, _space: number, incr: number): string[] {
  return splits.map((s) => {
    const d = new Date(s * 1000);
    if (incr >= 86_400) return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
    if (d.getHours() === 0 && d.getMinutes() === 0) return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
    return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
  });
}
