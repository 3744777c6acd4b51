/** `marquee shots`: a film's shots (start, end, transition), shot lengths, cutting rhythm and colour over time: of a movie whose video was indexed, or of a video file (analysed, not indexed) */
import { Command, Option } from '@commander-js/extra-typings';
import { dbOption } from '../options.js';

export function shotsCommand() {
  return new Command('shots')
    .description('a film\'s shots (start, end, transition), shot lengths, cutting rhythm and colour over time: of a movie whose video was indexed, or of a video file (analysed, not indexed)')
    .argument('<movie-or-video>', 'movie id, or a video file')
    .addOption(dbOption())
    .option('--json', 'print {"shots":[{"start","end","transition","keyframe","color"}],"asl",…}')
    .addOption(new Option('--format <format>', 'print the shots for an editor or a spreadsheet: csv (one row per shot), edl (CMX 3600) or otio (OpenTimelineIO JSON)').choices(['csv', 'edl', 'otio']))
    .action(async (target: string, opts) => {
      const { runShotsCommand } = await import('../shots-command.js');
      process.exitCode = await runShotsCommand(target, opts);
    });
}
