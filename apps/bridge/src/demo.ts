import 'reflect-metadata';
import { runDemo } from './demo-runner';

runDemo()
  .then((demo) => {
    process.stdout.write(demo.instructions);
    const stop = () => {
      demo.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  })
  .catch((error: unknown) => {
    process.stderr.write(
      `demo failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  });
