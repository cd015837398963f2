export { silentProgress as silent, testIo as io } from '@marr/core/testing';
