package dev.knas.integration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A raw TCP listener that records every byte clients send, for a test to search for a secret. It answers like an
 * HTTP/2 server's first frames (an empty SETTINGS and the ACK of the client's), so a gRPC client goes on to open
 * its stream, and then says nothing more. Bytes sent to address A are appended to {@code capture-A.bin} in the
 * folder given; {@code ready} appears there once it listens.
 */
public final class CaptureListener {

  private static final byte[] SETTINGS_AND_ACK = {0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0};

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress("0.0.0.0", Integer.parseInt(args[1])));
      Files.createFile(dir.resolve("ready"));
      while (true) {
        Socket client = server.accept();
        Thread reader = new Thread(() -> record(client, dir));
        reader.setDaemon(true);
        reader.start();
      }
    }
  }

  private static void record(Socket client, Path dir) {
    Path capture = dir.resolve("capture-" + client.getLocalAddress().getHostAddress() + ".bin");
    try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
      out.write(SETTINGS_AND_ACK);
      out.flush();
      byte[] buffer = new byte[65_536];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        Files.write(capture, Arrays.copyOf(buffer, n), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      // The client went away; what it sent is recorded.
    }
  }
}
