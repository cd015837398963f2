/**
 * Real facts typed for the corpus (not copied from any dataset): cities with their country and
 * coordinates rounded to whole degrees, and people with their birth year. They give space and time
 * probes something true to find. Names are single words so each is one token of the vocabulary.
 */

export interface City {
  city: string;
  country: string;
  /** Latitude in whole degrees, positive north. */
  lat: number;
  /** Longitude in whole degrees, positive east. */
  lon: number;
}

export const CITIES: readonly City[] = [
  { city: 'Paris', country: 'France', lat: 49, lon: 2 },
  { city: 'London', country: 'Britain', lat: 52, lon: 0 },
  { city: 'Berlin', country: 'Germany', lat: 53, lon: 13 },
  { city: 'Madrid', country: 'Spain', lat: 40, lon: -4 },
  { city: 'Rome', country: 'Italy', lat: 42, lon: 12 },
  { city: 'Vienna', country: 'Austria', lat: 48, lon: 16 },
  { city: 'Warsaw', country: 'Poland', lat: 52, lon: 21 },
  { city: 'Moscow', country: 'Russia', lat: 56, lon: 38 },
  { city: 'Cairo', country: 'Egypt', lat: 30, lon: 31 },
  { city: 'Nairobi', country: 'Kenya', lat: -1, lon: 37 },
  { city: 'Lagos', country: 'Nigeria', lat: 7, lon: 3 },
  { city: 'Tokyo', country: 'Japan', lat: 36, lon: 140 },
  { city: 'Beijing', country: 'China', lat: 40, lon: 116 },
  { city: 'Delhi', country: 'India', lat: 29, lon: 77 },
  { city: 'Sydney', country: 'Australia', lat: -34, lon: 151 },
  { city: 'Lima', country: 'Peru', lat: -12, lon: -77 },
  { city: 'Toronto', country: 'Canada', lat: 44, lon: -79 },
  { city: 'Chicago', country: 'America', lat: 42, lon: -88 },
  { city: 'Havana', country: 'Cuba', lat: 23, lon: -82 },
  { city: 'Oslo', country: 'Norway', lat: 60, lon: 11 },
  { city: 'Stockholm', country: 'Sweden', lat: 59, lon: 18 },
  { city: 'Helsinki', country: 'Finland', lat: 60, lon: 25 },
  { city: 'Athens', country: 'Greece', lat: 38, lon: 24 },
  { city: 'Istanbul', country: 'Turkey', lat: 41, lon: 29 },
  { city: 'Tehran', country: 'Iran', lat: 36, lon: 51 },
  { city: 'Bangkok', country: 'Thailand', lat: 14, lon: 101 },
  { city: 'Jakarta', country: 'Indonesia', lat: -6, lon: 107 },
  { city: 'Manila', country: 'Philippines', lat: 15, lon: 121 },
  { city: 'Seoul', country: 'Korea', lat: 38, lon: 127 },
  { city: 'Santiago', country: 'Chile', lat: -33, lon: -71 },
  { city: 'Bogota', country: 'Colombia', lat: 5, lon: -74 },
  { city: 'Lisbon', country: 'Portugal', lat: 39, lon: -9 },
  { city: 'Dublin', country: 'Ireland', lat: 53, lon: -6 },
  { city: 'Prague', country: 'Czechia', lat: 50, lon: 14 },
  { city: 'Budapest', country: 'Hungary', lat: 47, lon: 19 },
  { city: 'Amsterdam', country: 'Netherlands', lat: 52, lon: 5 },
  { city: 'Brussels', country: 'Belgium', lat: 51, lon: 4 },
  { city: 'Copenhagen', country: 'Denmark', lat: 56, lon: 13 },
  { city: 'Accra', country: 'Ghana', lat: 6, lon: 0 },
  { city: 'Montevideo', country: 'Uruguay', lat: -35, lon: -56 },
  { city: 'Perth', country: 'Australia', lat: -32, lon: 116 },
  { city: 'Vancouver', country: 'Canada', lat: 49, lon: -123 },
  { city: 'Denver', country: 'America', lat: 40, lon: -105 },
  { city: 'Karachi', country: 'Pakistan', lat: 25, lon: 67 },
  { city: 'Dhaka', country: 'Bangladesh', lat: 24, lon: 90 },
  { city: 'Hanoi', country: 'Vietnam', lat: 21, lon: 106 },
  { city: 'Kinshasa', country: 'Congo', lat: -4, lon: 15 },
  { city: 'Casablanca', country: 'Morocco', lat: 34, lon: -8 },
];

export interface Person {
  name: string;
  born: number;
}

export const PEOPLE: readonly Person[] = [
  { name: 'Dante', born: 1265 }, { name: 'Columbus', born: 1451 }, { name: 'Copernicus', born: 1473 },
  { name: 'Michelangelo', born: 1475 }, { name: 'Raphael', born: 1483 }, { name: 'Shakespeare', born: 1564 },
  { name: 'Galileo', born: 1564 }, { name: 'Kepler', born: 1571 }, { name: 'Descartes', born: 1596 },
  { name: 'Rembrandt', born: 1606 }, { name: 'Pascal', born: 1623 }, { name: 'Vermeer', born: 1632 },
  { name: 'Leibniz', born: 1646 }, { name: 'Vivaldi', born: 1678 }, { name: 'Bach', born: 1685 },
  { name: 'Handel', born: 1685 }, { name: 'Voltaire', born: 1694 }, { name: 'Euler', born: 1707 },
  { name: 'Rousseau', born: 1712 }, { name: 'Kant', born: 1724 }, { name: 'Haydn', born: 1732 },
  { name: 'Washington', born: 1732 }, { name: 'Goethe', born: 1749 }, { name: 'Mozart', born: 1756 },
  { name: 'Napoleon', born: 1769 }, { name: 'Beethoven', born: 1770 }, { name: 'Austen', born: 1775 },
  { name: 'Gauss', born: 1777 }, { name: 'Faraday', born: 1791 }, { name: 'Schubert', born: 1797 },
  { name: 'Hugo', born: 1802 }, { name: 'Darwin', born: 1809 }, { name: 'Lincoln', born: 1809 },
  { name: 'Chopin', born: 1810 }, { name: 'Liszt', born: 1811 }, { name: 'Dickens', born: 1812 },
  { name: 'Wagner', born: 1813 }, { name: 'Verdi', born: 1813 }, { name: 'Marx', born: 1818 },
  { name: 'Nightingale', born: 1820 }, { name: 'Dostoevsky', born: 1821 }, { name: 'Pasteur', born: 1822 },
  { name: 'Mendel', born: 1822 }, { name: 'Tolstoy', born: 1828 }, { name: 'Maxwell', born: 1831 },
  { name: 'Brahms', born: 1833 }, { name: 'Nobel', born: 1833 }, { name: 'Monet', born: 1840 },
  { name: 'Edison', born: 1847 }, { name: 'Tesla', born: 1856 }, { name: 'Freud', born: 1856 },
  { name: 'Planck', born: 1858 }, { name: 'Curie', born: 1867 }, { name: 'Gandhi', born: 1869 },
  { name: 'Churchill', born: 1874 }, { name: 'Einstein', born: 1879 }, { name: 'Picasso', born: 1881 },
  { name: 'Kafka', born: 1883 }, { name: 'Bohr', born: 1885 }, { name: 'Hemingway', born: 1899 },
  { name: 'Turing', born: 1912 }, { name: 'Mandela', born: 1918 },
];
