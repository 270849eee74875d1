import path from 'node:path';
import exampleModule from '../../../bridges/example';
import { describeConformance } from '../../../src/testing';
import { exampleDriver } from '../../testing/example-driver';

/** The example module through the conformance kit; its README shows the table this proves. */
describeConformance({
  module: exampleModule,
  driver: exampleDriver,
  readme: path.join(__dirname, '../../../bridges/example/README.md'),
});
