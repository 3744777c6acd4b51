/** The worker-pool text model through the model conformance suite: its threads run the built worker script, hence here and not beside the source. */
import { textModelConformance } from '../../src/models/model.conformance.js';
import { loadTextModel } from '../../dist/models/registry.js';

textModelConformance('USE lite, pool of 2 worker threads (built)', () => loadTextModel({ workers: 2 }));
