/** `Patient/123`, or an absolute `.../Patient/123` URL, gives `123`; anything else gives undefined. */
export function patientIdOf(reference: string): string | undefined {
  const match = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return match?.[1];
}
