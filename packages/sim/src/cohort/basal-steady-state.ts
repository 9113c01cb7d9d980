import type { UvaPadovaParams } from '../models/uva-padova/params.ts';

/**
 * The basal steady state of the UVA/Padova model, i.e. the parameters that are not free but fixed by
 * requiring the fasting patient on constant basal insulin to sit at its basal glucose Gb (Dalla Man,
 * Rizza & Cobelli, IEEE TBME 54(10) 2007, "basal steady state" constraints; subcutaneous compartments
 * Kovatchev et al. 2009). With Gpb = Gb·Vg, renal excretion E(Gpb) = ke1·max(Gpb − ke2, 0):
 *
 *   Gtb  = (Fsnc + E − EGPb + k1·Gpb)/k2          (dGp/dt = 0)
 *   Vm0  = (EGPb − Fsnc − E)·(Km0 + Gtb)/Gtb       (dGt/dt = 0, X = 0)
 *   kp1  = EGPb + kp2·Gpb + kp3·Ib                 (EGP(Gpb, Ib) = EGPb)
 *   Ipb  = Ib·Vi,  Ilb = m2·Ipb/(m1 + m30)          (dIl/dt = 0)
 *   u2ss = Ipb·(m2 + m4 − m1·m2/(m1 + m30))        (dIp/dt = 0: basal infusion = insulin clearance)
 *   Isc1 = u2ss/(ka1 + kd),  Isc2 = kd·Isc1/ka2
 *   x0   = [0, 0, 0, Gpb, Gtb, Ipb, 0, Ib, Ib, Ilb, Isc1, Isc2, Gpb]
 *
 * simglucose's 30 patients satisfy these identities to 1e-12 (checked in the tests), so they are the
 * right constraints to re-impose on every sampled patient.
 */
export interface BasalFreeParams extends Omit<UvaPadovaParams, 'u2ssPmolPerKgMin' | 'vm0MgPerKgMin' | 'kp1MgPerKgMin' | 'initialState'> {
  /** EGPb basal endogenous glucose production [mg/kg/min]. */
  readonly egpbMgPerKgMin: number;
}

export interface BasalSteadyState {
  readonly params: UvaPadovaParams;
  /** Gtb [mg/kg] and Uidb = EGPb − Fsnc − E [mg/kg/min]: must both be positive for a valid patient. */
  readonly gtbMgPerKg: number;
  readonly uidbMgPerKgMin: number;
}

export function basalSteadyState(free: BasalFreeParams): BasalSteadyState {
  const { egpbMgPerKgMin: egpb, ...rest } = free;
  const gpb = free.basalGlucoseMgDl * free.vgDlPerKg;
  const renal = gpb > free.ke2MgPerKg ? free.ke1PerMin * (gpb - free.ke2MgPerKg) : 0;
  const gtb = (free.fsncMgPerKgMin + renal - egpb + free.k1PerMin * gpb) / free.k2PerMin;
  const uidb = egpb - free.fsncMgPerKgMin - renal;
  const vm0 = (uidb * (free.km0MgPerKg + gtb)) / gtb;
  const kp1 = egpb + free.kp2PerMin * gpb + free.kp3MgPerKgMinPerPmolL * free.basalInsulinPmolL;
  const ipb = free.basalInsulinPmolL * free.viLPerKg;
  const ilb = (free.m2PerMin * ipb) / (free.m1PerMin + free.m30PerMin);
  const u2ss = ipb * (free.m2PerMin + free.m4PerMin - (free.m1PerMin * free.m2PerMin) / (free.m1PerMin + free.m30PerMin));
  const isc1 = u2ss / (free.ka1PerMin + free.kdPerMin);
  const isc2 = (free.kdPerMin * isc1) / free.ka2PerMin;
  const ib = free.basalInsulinPmolL;
  const params: UvaPadovaParams = {
    ...rest,
    u2ssPmolPerKgMin: u2ss,
    vm0MgPerKgMin: vm0,
    kp1MgPerKgMin: kp1,
    initialState: [0, 0, 0, gpb, gtb, ipb, 0, ib, ib, ilb, isc1, isc2, gpb],
  };
  return { params, gtbMgPerKg: gtb, uidbMgPerKgMin: uidb };
}

/** EGPb implied by a parameter set: kp1 − kp2·Gpb − kp3·Ib (inverse of the kp1 identity). */
export function basalEgp(p: UvaPadovaParams): number {
  return p.kp1MgPerKgMin - p.kp2PerMin * p.basalGlucoseMgDl * p.vgDlPerKg - p.kp3MgPerKgMinPerPmolL * p.basalInsulinPmolL;
}
