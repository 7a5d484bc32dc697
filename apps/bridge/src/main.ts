import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module, Controller, Get, Injectable } from '@nestjs/common';

@Injectable()
class Dep { v() { return 1; } }
@Controller()
class C { constructor(private readonly d: Dep) {} @Get('x') x() { return { v: this.d.v() }; } }
@Module({ controllers: [C], providers: [Dep] })
export class AppModule {}

async function main() {
  const app = await NestFactory.create(AppModule);
  await app.listen(0);
  console.log('up', await app.getUrl());
  await app.close();
}
void main();
