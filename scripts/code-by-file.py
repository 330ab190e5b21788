# Code bytes of an image's wasm by source file: python3 scripts/code-by-file.py <image>
# (build/images/<image>.wasm and its .wat). Functions binaryen inlined count with their
# caller: an image's main holds its event dispatch and much of what it calls.
import re,sys,collections
img=sys.argv[1]
b=open(f'build/images/{img}.wasm','rb').read()
wat=open(f'build/images/{img}.wat').read()
names=re.findall(r'^ \(func (\$\S+)',wat,re.M)
def leb(b,i):
  r=0;s=0
  while True:
    x=b[i];i+=1;r|=(x&0x7f)<<s;s+=7
    if x<0x80: return r,i
i=8;sizes=[]
while i<len(b):
  sid=b[i];i+=1;n,i=leb(b,i);end=i+n
  if sid==10:
    cnt,j=leb(b,i)
    for k in range(cnt):
      sz,j=leb(b,j);sizes.append(sz);j+=sz
  i=end
assert len(sizes)==len(names),(len(sizes),len(names))
grp=collections.Counter()
for nm,sz in zip(names,sizes):
  m=re.match(r'\$(~lib/[^/]+|[^/]+/[^/]+/[^/]+|[^/]+/[^/]+|~start|[^/]+)',nm)
  key=m.group(1) if m else nm
  key=re.sub(r'/[^/]*$','',nm[1:]) if nm.startswith('$firmware') else key
  grp[key]+=sz
tot=sum(sizes)
print(img,'code bytes',tot,'funcs',len(sizes))
for k,v in grp.most_common(25): print(f'{v:6d} {100*v/tot:5.1f}% {k}')
