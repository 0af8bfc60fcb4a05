// The tests' throwaway PostgreSQL is the one the benchmarks use (scripts/lib/throwawayPostgres.ts).
export {
  postgresBinDir,
  startTestPostgres,
  type TestPostgres,
} from '../../scripts/lib/throwawayPostgres.js';
