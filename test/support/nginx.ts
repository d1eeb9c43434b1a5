import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./process.js";

// Debian's nginx in front of test nodes, configured as docs/OPERATIONS.md shows: everything of
// its own (pid file, logs, temporary files) in a temporary directory, in the foreground, as a
// child this test ends by its process id.

export const NGINX = "/usr/sbin/nginx";

/** Why nginx cannot run here; undefined when it can. */
export function nginxMissing(): string | undefined {
  if (!existsSync(NGINX)) return `${NGINX} is not installed (apt-get install nginx-light; .ci/run does)`;
  const version = spawnSync(NGINX, ["-v"], { encoding: "utf8" });
  return version.status === 0 ? undefined : `${NGINX} -v failed: ${version.stderr}`;
}

/** The configuration of docs/OPERATIONS.md, with the paths and ports of one test. */
export function nginxConfig(dir: string, port: number, nodes: string[]): string {
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream inkwell {
    least_conn;
${nodes.map((n) => `    server ${n} max_fails=3 fail_timeout=10s;`).join("\n")}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    location ~ ^/api/v1/campaigns/[^/]+/counter/stream$ {
      proxy_pass http://inkwell;
      # A node holding all the viewers it can answers 503: the viewer goes to the next one.
      proxy_next_upstream error timeout http_503;
      proxy_buffering off;
      proxy_cache off;
      proxy_read_timeout 1h;
    }
    location / {
      proxy_pass http://inkwell;
    }
  }
}
`;
}

export interface Nginx {
  url: string;
  /** What nginx logged, for failure messages. */
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts nginx on a free loopback port in front of `nodes` (host:port) and waits until it answers. */
export async function startNginx(nodes: string[]): Promise<Nginx> {
  const dir = await mkdtemp(path.join(tmpdir(), "inkwell-nginx-"));
  const port = await freePort();
  const conf = path.join(dir, "nginx.conf");
  await writeFile(conf, nginxConfig(dir, port, nodes));
  // -p: the prefix, so nothing reads or writes under /etc/nginx or /var/log/nginx.
  const child: ChildProcess = spawn(NGINX, ["-p", dir, "-c", conf, "-e", `${dir}/error.log`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const errorLog = async () => {
    const { readFile } = await import("node:fs/promises");
    return `${stderr}${await readFile(`${dir}/error.log`, "utf8").catch(() => "")}`;
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGQUIT is nginx's graceful stop; SIGTERM its fast one, which a test wants.
      child.kill("SIGTERM");
      const force = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(force);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = await errorLog();
      await stop();
      throw new Error(`nginx exited (${child.exitCode}): ${log}`);
    }
    const up = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      const log = await errorLog();
      await stop();
      throw new Error(`nginx did not answer within 10 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, errorLog, stop };
}
