/** Worker thread that hosts one Universal Sentence Encoder instance (see pooled-text-model.ts). */
import { parentPort } from 'node:worker_threads';
import { UseTextModel } from './use-text-model.js';

interface Request {
  id: number;
  texts: string[];
}

if (!parentPort) throw new Error('text-worker must run in a worker thread');
const port = parentPort;
const model = UseTextModel.load();

port.on('message', async (req: Request) => {
  try {
    const vectors = await (await model).embedBatch(req.texts);
    port.postMessage({ id: req.id, vectors }, vectors.map((v) => v.buffer as ArrayBuffer));
  } catch (err) {
    port.postMessage({ id: req.id, error: (err as Error).message });
  }
});
port.postMessage({ ready: true });
