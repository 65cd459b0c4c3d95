import net from "node:net";

// The kernel may hand a released port out again; ports asked for before anything binds them must still differ.
const handedOut = new Set();

/** A free TCP port on 127.0.0.1, chosen by the kernel and not handed out before by this process. */
export async function freePort() {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await new Promise((resolve, reject) => {
      const server = net.createServer();
      server.unref();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error("no unused free port after 100 attempts");
}
