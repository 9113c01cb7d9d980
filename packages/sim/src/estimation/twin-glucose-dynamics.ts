import type { UvaPadovaParams } from '../models/uva-padova/params.ts';
import { uvaState } from '../models/uva-padova/state.ts';
import { type ExogenousSignals, RK4_STAGES } from './insulin-meal-driver.ts';

/** Slots of a member's glucose state (stride GLUCOSE_MEMBER_SIZE in flat buffers). */
export const GP = 0;
export const GT = 1;
export const GS = 2;
export const DIST = 3;
export const GLUCOSE_MEMBER_SIZE = 4;

/**
 * The glucose subsystem of the UVA/Padova model (glucose-model.md §3; Dalla Man et al. 2007,
 * eqs. 1–9, and the subcutaneous compartment of Kovatchev et al. 2009) with the twin's personal
 * adjustments, driven by the exogenous signals X, Id and Ra of `InsulinMealDriver`:
 *
 *   EGP  = EGPb + b − kp2·(Gp − Gpb) − s·kp3·(Id − Ib),   EGPb = kp1 − kp2·Gpb − kp3·Ib
 *   dGp  = max(EGP, 0) + c·Ra − Fsnc − ke1·max(Gp − ke2, 0) − k1·Gp + k2·Gt + δ
 *   dGt  = −(Vm0 + s·Vmx·X)·Gt/(Km0 + Gt) + k1·Gp − k2·Gt
 *   dGs  = −ksc·(Gs − Gp)
 *   dδ   = −δ/τδ
 *
 * s (insulin-sensitivity scale) multiplies the effect of insulin away from basal on utilisation
 * (Vmx·X, X = 0 at basal) and on production (kp3·(Id − Ib), zero at basal), so it changes how
 * strongly boluses and temporary basals act without moving the basal equilibrium — the twin keeps
 * the person's basal as its equilibrium (see `TwinModelSettings`). c scales the meal glucose that
 * appears in plasma (the bioavailability f, i.e. the effect per logged gram), b shifts basal
 * endogenous production (and so the fasting glucose), and δ [mg/kg/min] is an unmodelled glucose
 * flux (unlogged snacks, exercise, model error) that decays with time constant τδ. Ra comes from the
 * meal-speed grid at the member's absorption speed r (meal-speed-grid.ts). With s = c = r = 1 and
 * b = δ = 0 these are exactly the model's equations, and with the driver's signals the integration
 * reproduces the full model's plasma glucose (tested). Non-negativity guards as in simglucose.
 */
export class TwinGlucoseDynamics {
  private readonly kp2;
  private readonly kp3;
  private readonly ib;
  private readonly fsnc;
  private readonly ke1;
  private readonly ke2;
  private readonly k1;
  private readonly k2;
  private readonly vm0;
  private readonly vmx;
  private readonly km0;
  private readonly ksc;
  readonly vgDlPerKg: number;
  /** Decay rate 1/τδ of the disturbance [1/min]. */
  readonly disturbanceDecayPerMin: number;
  // Basal operating point (x0 of the nominal patient): Gpb and EGP there.
  private readonly gpRest: number;
  private readonly egpRest: number;
  // Personal parameters of the member being advanced.
  private s = 1;
  private b = 0;
  // RK4 stage buffers (gp, gt, gs, δ) × 4 stages.
  private readonly k = new Float64Array(16);

  // Meal-speed grid (meal-speed-grid.ts): ln r of channel 0, spacing and number of channels.
  private readonly logSpeedMin: number;
  private readonly logSpeedStep: number;
  private readonly speedChannels: number;

  constructor(
    p: UvaPadovaParams,
    disturbanceTimeConstantMin: number,
    grid: { readonly logMin: number; readonly logStep: number; readonly channels: number },
  ) {
    this.logSpeedMin = grid.logMin;
    this.logSpeedStep = grid.logStep;
    this.speedChannels = grid.channels;
    this.kp2 = p.kp2PerMin;
    this.kp3 = p.kp3MgPerKgMinPerPmolL;
    this.ib = p.basalInsulinPmolL;
    this.fsnc = p.fsncMgPerKgMin;
    this.ke1 = p.ke1PerMin;
    this.ke2 = p.ke2MgPerKg;
    this.k1 = p.k1PerMin;
    this.k2 = p.k2PerMin;
    this.vm0 = p.vm0MgPerKgMin;
    this.vmx = p.vmxMgPerKgMinPerPmolL;
    this.km0 = p.km0MgPerKg;
    this.ksc = p.kscPerMin;
    this.vgDlPerKg = p.vgDlPerKg;
    this.gpRest = p.initialState[uvaState.gpMgPerKg]!;
    // EGP = kp1 − kp2·Gp − kp3·Id rewritten around the basal point: EGPb − kp2·(Gp − Gpb) − kp3·(Id − Ib).
    this.egpRest = p.kp1MgPerKgMin - p.kp2PerMin * this.gpRest - p.kp3MgPerKgMinPerPmolL * p.basalInsulinPmolL;
    this.disturbanceDecayPerMin = 1 / disturbanceTimeConstantMin;
  }

  /**
   * Advances the member at `buf[base..base+3]` by `minutes` minutes of classical RK4 steps (the
   * signals' `stepsPerMinute`), using the signals from minute `fromMinute` of `sig`, with sensitivity
   * scale `s`, carb scale `c`, basal production shift `b` [mg/kg/min] and meal-absorption speed
   * e^`logSpeed` (Ra interpolated between the grid's speed channels). Allocation-free.
   */
  advance(
    buf: Float64Array,
    base: number,
    s: number,
    c: number,
    b: number,
    logSpeed: number,
    sig: ExogenousSignals,
    fromMinute: number,
    minutes: number,
  ): void {
    const k = this.k;
    let gp = buf[base + GP]!;
    let gt = buf[base + GT]!;
    let gs = buf[base + GS]!;
    let dd = buf[base + DIST]!;
    const xs = sig.xPmolL;
    const ids = sig.idPmolL;
    const ras = sig.raMgPerKgMin;
    this.s = s;
    this.b = b;
    // Linear interpolation in ln r between channels lo and lo + 1, folded into two Ra weights.
    let u = (logSpeed - this.logSpeedMin) / this.logSpeedStep;
    const top = this.speedChannels - 1;
    u = u < 0 ? 0 : Math.min(u, top);
    const lo = top === 0 ? 0 : Math.min(Math.floor(u), top - 1);
    const w = u - lo;
    const offLo = lo * sig.stride;
    const offHi = top === 0 ? offLo : offLo + sig.stride;
    const cLo = c * (1 - w);
    const cHi = c * w;
    const spm = sig.stepsPerMinute;
    const h = 1 / spm;
    const h2 = 0.5 * h;
    const h6 = h / 6;
    const steps = minutes * spm;
    for (let st = 0; st < steps; st++) {
      const j = RK4_STAGES * (fromMinute * spm + st);
      this.rhs(gp, gt, gs, dd, xs[j]!, ids[j]!, cLo * ras[offLo + j]! + cHi * ras[offHi + j]!, 0);
      this.rhs(
        gp + h2 * k[0]!,
        gt + h2 * k[1]!,
        gs + h2 * k[2]!,
        dd + h2 * k[3]!,
        xs[j + 1]!,
        ids[j + 1]!,
        cLo * ras[offLo + j + 1]! + cHi * ras[offHi + j + 1]!,
        4,
      );
      this.rhs(
        gp + h2 * k[4]!,
        gt + h2 * k[5]!,
        gs + h2 * k[6]!,
        dd + h2 * k[7]!,
        xs[j + 2]!,
        ids[j + 2]!,
        cLo * ras[offLo + j + 2]! + cHi * ras[offHi + j + 2]!,
        8,
      );
      this.rhs(
        gp + h * k[8]!,
        gt + h * k[9]!,
        gs + h * k[10]!,
        dd + h * k[11]!,
        xs[j + 3]!,
        ids[j + 3]!,
        cLo * ras[offLo + j + 3]! + cHi * ras[offHi + j + 3]!,
        12,
      );
      gp += h6 * (k[0]! + 2 * k[4]! + 2 * k[8]! + k[12]!);
      gt += h6 * (k[1]! + 2 * k[5]! + 2 * k[9]! + k[13]!);
      gs += h6 * (k[2]! + 2 * k[6]! + 2 * k[10]! + k[14]!);
      dd += h6 * (k[3]! + 2 * k[7]! + 2 * k[11]! + k[15]!);
    }
    buf[base + GP] = gp;
    buf[base + GT] = gt;
    buf[base + GS] = gs;
    buf[base + DIST] = dd;
  }

  /** One RHS evaluation [per min] with the already scaled meal appearance `ra`, written to k[at..at+3]. */
  private rhs(gp: number, gt: number, gs: number, dd: number, x: number, id: number, ra: number, at: number): void {
    const k = this.k;
    const s = this.s;
    const egp = this.egpRest + this.b - this.kp2 * (gp - this.gpRest) - s * this.kp3 * (id - this.ib);
    const renal = gp > this.ke2 ? this.ke1 * (gp - this.ke2) : 0;
    const dGp = Math.max(egp, 0) + ra - this.fsnc - renal - this.k1 * gp + this.k2 * gt + dd;
    k[at] = gp >= 0 ? dGp : 0;
    const uid = ((this.vm0 + s * this.vmx * x) * gt) / (this.km0 + gt);
    const dGt = -uid + this.k1 * gp - this.k2 * gt;
    k[at + 1] = gt >= 0 ? dGt : 0;
    const dGs = -this.ksc * gs + this.ksc * gp;
    k[at + 2] = gs >= 0 ? dGs : 0;
    k[at + 3] = -this.disturbanceDecayPerMin * dd;
  }
}
