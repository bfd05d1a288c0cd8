using System.Runtime.CompilerServices;

// ILGPU's CPU accelerator emits a dynamic assembly named "ILGPURuntime" that instantiates kernel argument types;
// the optimizer's argument structs are internal, so that assembly must see them.
[assembly: InternalsVisibleTo("ILGPURuntime")]
