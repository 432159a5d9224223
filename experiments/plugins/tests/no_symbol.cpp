// A shared module without the registration symbol: the host must refuse it (tests only).
extern "C" __attribute__((visibility("default"))) int some_other_function(int x) { return x + 1; }
