// Vite 5 with no configuration of its own beyond the output folder.
export default { build: { outDir: 'dist/vite', emptyOutDir: true } };
