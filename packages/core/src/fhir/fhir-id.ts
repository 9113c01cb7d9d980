/**
 * The FHIR R4 id datatype (datatypes.html#id): 1 to 64 of A-Z, a-z, 0-9, '-' and '.'. Every stored
 * resource has such an id (writes are validated), so a request naming anything else names nothing.
 */
export const fhirIdPattern = /^[A-Za-z0-9\-.]{1,64}$/;

export const isFhirId = (text: string): boolean => fhirIdPattern.test(text);
