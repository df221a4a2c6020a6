// The activations of the element-wise kernel (unary.comp), in a file of
// their own so that any kernel that applies one computes exactly the same.
#ifndef AT_ACTIVATION_GLSL
#define AT_ACTIVATION_GLSL

float at_silu(float x) {
  return x / (1.0 + exp(-x));
}

// GELU with the tanh approximation (PyTorch's approximate='tanh').
float at_gelu(float x) {
  const float SQRT_2_OVER_PI = 0.7978845608028654;
  return 0.5 * x * (1.0 + tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
}

#endif
