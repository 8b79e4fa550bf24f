// Stands in for a metrics query: prints the checkout error rate in percent.
console.log((0.2 + Math.random() * 0.15).toFixed(2));
