/** `marquee faces`: faces on posters and stills (the faces pass of "marquee index --faces") */
import { Command } from '@commander-js/extra-typings';
import { dbOption } from '../options.js';

export function facesCommand() {
  const faces = new Command('faces')
    .description('faces on posters and stills (the faces pass of "marquee index --faces")');
  faces
    .command('scan')
    .description('detect the faces of every poster, then every still, not yet scanned by this face model (resumes where it stopped; what the poster-faces job runs)')
    .addOption(dbOption())
    .option('--json', 'print {"scanned","faces","failed","stills":{"scanned","faces","failed"},"seconds","interrupted","problems"}')
    .action(async (opts) => {
      const { runFacesScan } = await import('../faces-command.js');
      process.exitCode = await runFacesScan(opts);
    });
  return faces;
}
