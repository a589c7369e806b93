package io.grpc.xds;

import io.grpc.EquivalentAddressGroup;
import io.grpc.SynchronizationContext;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test reference for the Python client's ring (clients/python/tests/test_routing.py): gRPC-Java's own
 * RingHashLoadBalancer, reached through its private parts, on the addresses a Java client would build.
 *
 * <p>Arguments: "host:port,host:port,..." then header values. Prints one line per replica ("address A"), per
 * ring entry ("entry HASH OWNER") and per header value ("pick VALUE HASH INDEX"). It lives in io.grpc.xds to see
 * the package-private XxHash64.
 */
final class RingProbe {

  public static void main(String[] args) throws Exception {
    Map<EquivalentAddressGroup, Long> weights = new LinkedHashMap<>();
    List<String> addresses = new ArrayList<>();
    for (String entry : args[0].split(",")) {
      int colon = entry.lastIndexOf(':');
      // What the static resolver builds per entry: new InetSocketAddress(host, port).
      InetSocketAddress address = new InetSocketAddress(entry.substring(0, colon),
          Integer.parseInt(entry.substring(colon + 1)));
      weights.put(new EquivalentAddressGroup(address), 1L);
      addresses.add(address.toString());
      System.out.println("address " + address);
    }
    // The scale exactly as acceptResolvedAddresses computes it with the provider's default ring sizes.
    double normalizedMinWeight = 1.0 / weights.size();
    double scale = Math.min(Math.ceil(normalizedMinWeight * RingHashLoadBalancerProvider.DEFAULT_MIN_RING_SIZE)
        / normalizedMinWeight, (double) RingHashLoadBalancerProvider.DEFAULT_MAX_RING_SIZE);
    Method buildRing = RingHashLoadBalancer.class.getDeclaredMethod("buildRing", Map.class, long.class,
        double.class);
    buildRing.setAccessible(true);
    List<?> ring = (List<?>) buildRing.invoke(null, weights, (long) weights.size(), scale);
    Class<?> entryClass = Class.forName("io.grpc.xds.RingHashLoadBalancer$RingEntry");
    Field hash = entryClass.getDeclaredField("hash");
    Field owner = entryClass.getDeclaredField("addrKey");
    hash.setAccessible(true);
    owner.setAccessible(true);
    for (Object entry : ring) {
      String key = owner.get(entry).toString();
      int index = -1;
      for (int i = 0; i < addresses.size() && index < 0; i++) {
        if (key.contains(addresses.get(i))) {
          index = i;
        }
      }
      System.out.println("entry " + hash.getLong(entry) + " " + index);
    }
    Class<?> pickerClass = Class.forName("io.grpc.xds.RingHashLoadBalancer$RingHashPicker");
    Constructor<?> constructor = pickerClass.getDeclaredConstructors()[0];
    constructor.setAccessible(true);
    Object[] parameters = new Object[constructor.getParameterCount()];
    parameters[0] = new SynchronizationContext((thread, error) -> { });
    parameters[1] = ring;
    parameters[2] = List.of();
    Object picker = constructor.newInstance(parameters);
    Method targetIndex = pickerClass.getDeclaredMethod("getTargetIndex", long.class);
    targetIndex.setAccessible(true);
    for (int i = 1; i < args.length; i++) {
      long requestHash = args[i].startsWith("#") ? Long.parseLong(args[i].substring(1))
          : XxHash64.INSTANCE.hashAsciiString(args[i]);
      System.out.println("pick " + args[i] + " " + requestHash + " " + targetIndex.invoke(picker, requestHash));
    }
  }
}
