/**
 * Great-circle distance on a sphere of the Earth's mean radius (6371 km), with latitude and longitude
 * named, never positional: the authors' helper reads column 0 as latitude while their place targets are
 * [longitude, latitude], so their haversine errors swap the two; here each argument says which it is.
 */

export const EARTH_RADIUS_KM = 6371;

export interface LatLon {
  /** Degrees, positive north. */
  lat: number;
  /** Degrees, positive east. */
  lon: number;
}

const RAD = Math.PI / 180;

/** Haversine distance in km between two points given in degrees. */
export function haversineKm(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  // predicted latitudes may leave [-90, 90]; keep h a valid sine squared
  const c = Math.min(1, Math.max(0, h));
  return 2 * EARTH_RADIUS_KM * Math.atan2(Math.sqrt(c), Math.sqrt(1 - c));
}
