/* Small arithmetic helpers with the kernel's names and meanings. */
#ifndef SLUBSIM_UTIL_H
#define SLUBSIM_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
/* include/linux/container_of.h: the structure @ptr is the @member of */
#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/*
 * include/linux/prefetch.h prefetchw(): fetch a cache line about to be
 * written, owned. __builtin_prefetch(p, 1) is a plain read prefetch unless
 * the compiler may assume PREFETCHW, which x86-64's baseline does not; the
 * instruction is a no-op hint on x86 processors without it.
 */
static inline void prefetchw(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
#else
	__builtin_prefetch(p, 1);
#endif
}

/*
 * memset(p, 0, n) for a small struct whose size is a constant: gcc makes
 * such a memset() a `rep stos`, whose start-up costs more than the 16-byte
 * stores this unrolls to.
 */
static inline __attribute__((always_inline)) void zero_small(void *p, size_t n)
{
	typedef unsigned char block __attribute__((vector_size(16), may_alias, aligned(1)));
	unsigned char *b = p;
	size_t i;

#pragma GCC unroll 16
	for (i = 0; i + 16 <= n; i += 16)
		*(block *)(void *)(b + i) = (block){ 0 };
	for (; i < n; i++)
		b[i] = 0;
}

/* ALIGN() for any power-of-two @a */
static inline uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static inline uint64_t align_down(uint64_t x, uint64_t a)
{
	return x & ~(a - 1);
}

static inline int is_power_of_2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* fls(): 1-based index of the most significant set bit, 0 for 0 */
static inline unsigned fls_u64(uint64_t x)
{
	return x ? 64u - (unsigned)__builtin_clzll(x) : 0;
}

static inline unsigned ilog2_u64(uint64_t x)
{
	return x ? fls_u64(x) - 1 : 0;
}

/* largest power of two dividing @x (x != 0) */
static inline uint64_t lowest_bit(uint64_t x)
{
	return x & (~x + 1);
}

/* include/asm-generic/getorder.h get_order() */
static inline unsigned get_order(uint64_t size, unsigned page_shift)
{
	if (size <= (1ull << page_shift))
		return 0;
	return fls_u64((size - 1) >> page_shift);
}

#endif
