package dev.knas.bench;

import java.util.List;
import java.util.regex.Pattern;

/** Groups libtorch's op names (as its profiler records them) into the few jobs an MGM computation does. */
enum OpFamily {
  CONVOLUTION_BACKWARD("convolution, backward", "aten::convolution_backward|ConvolutionBackward\\d*"
      + "|aten::mkldnn_convolution_backward.*|aten::.*conv.*backward.*"),
  CONVOLUTION_FORWARD("convolution, forward", "aten::(conv2d|convolution|_convolution|mkldnn_convolution"
      + "|_slow_conv2d_forward|thnn_conv2d)"),
  NORMALIZATION_BACKWARD("batch norm, backward", "aten::native_batch_norm_backward|NativeBatchNormBackward\\d*"),
  NORMALIZATION_FORWARD("batch norm, forward", "aten::(native_batch_norm|batch_norm|_batch_norm_impl_index"
      + "|instance_norm)"),
  RELU("ReLU, both passes", "aten::(relu|clamp_min|threshold_backward)|ReluBackward\\d*"),
  POOLING("pooling, both passes", "aten::(avg_pool2d|avg_pool2d_backward|adaptive_avg_pool2d|mean"
      + "|_adaptive_avg_pool2d|_adaptive_avg_pool2d_backward)|.*PoolBackward\\d*|MeanBackward\\d*"),
  INITIALIZATION("parameter initialisation", "aten::(uniform_|normal_|kaiming_uniform_)"),
  AUTOGRAD("autograd engine and gradient accumulation", "autograd::.*|torch::autograd::.*|.*Backward\\d*"),
  MEMORY("allocation, copies, views", "aten::(empty|empty_strided|empty_like|zeros|zeros_like|ones|ones_like"
      + "|fill_|zero_|resize_|as_strided|as_strided_|view|reshape|_reshape_alias|_unsafe_view|detach|detach_"
      + "|copy_|to|_to_copy|clone|contiguous|expand|slice|select|t|transpose|permute|squeeze|unsqueeze"
      + "|flatten|alias|lift_fresh|set_|result_type|_has_compatible_shallow_copy_type)|detach"),
  OTHER("elementwise and other ops", ".*");

  private static final List<OpFamily> FAMILIES = List.of(values());

  final String label;
  private final Pattern names;

  OpFamily(String label, String names) {
    this.label = label;
    this.names = Pattern.compile(names);
  }

  /** The first family whose pattern matches {@code opName}. */
  static OpFamily of(String opName) {
    for (OpFamily family : FAMILIES) {
      if (family.names.matcher(opName).matches()) {
        return family;
      }
    }
    return OTHER;
  }
}
